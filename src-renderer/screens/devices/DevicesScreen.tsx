import { useEffect, useState } from 'react';
import type { DeviceInfo, DevicesView } from '../../../src-shared/ipc/contract.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useNow } from '../../components/useNow.js';
import { useAppStore } from '../../store/StoreContext.js';
import { AddDevice } from './AddDevice.js';
import { DeviceRow } from './DeviceRow.js';

/** Presence changes while the screen is open: the list is asked for again this often. */
export const REFRESH_MS = 30_000;
/**
 * While an invite code is shown a device is joining right now: the list is asked for this often,
 * so the new device appears as it pairs (at 30 s it came long after the other screen said so).
 */
export const JOINING_REFRESH_MS = 3_000;

/** A core sentence ("can't reach the hub at …: …") as one of the UI's: capital, full stop. */
const asSentence = (text: string) =>
  text.charAt(0).toUpperCase() + text.slice(1) + (/[.?!]$/.test(text) ? '' : '.');

/**
 * Where the list comes from, when it is not the hub's: no hub at all, or a hub that could not be
 * asked (then the devices whose changes reached this one are shown, without presence).
 */
function HubLine({ view }: { view: DevicesView }) {
  if (view.hub !== 'unlisted' || view.problem === null) return null;
  return (
    <p className="notice notice-error" data-testid="devices-hub-line">
      {asSentence(view.problem)} Shown instead: the devices whose changes reached this one (who is
      online is unknown).
    </p>
  );
}

/** What to do when this device has no one to sync with yet. */
function HowDevicesJoin({ view, onAdd }: { view: DevicesView; onAdd: () => void }) {
  if (view.hub === 'none')
    return (
      <Empty title="No hub yet.">
        Devices sync through a hub. Create or join a hub in <a href="#/settings">Settings</a>, then
        add your other devices.
      </Empty>
    );
  if (view.hub === 'listed' && view.devices.length <= 1)
    return (
      <Empty title="Only this device so far.">
        {view.manages ? (
          <>
            Add a device to share this folder: it joins with an invite code.{' '}
            <button type="button" className="link" onClick={onAdd}>
              Add a device
            </button>
          </>
        ) : (
          'Add a device to share this folder: ask for an invite code on the computer that runs the hub.'
        )}
      </Empty>
    );
  return null;
}

/** Every device of the space, with who is online now, and adding or removing one. */
export function DevicesScreen() {
  const view = useAppStore((s) => s.devices.view);
  const error = useAppStore((s) => s.devices.error);
  const loadDevices = useAppStore((s) => s.loadDevices);
  const removeDevice = useAppStore((s) => s.removeDevice);
  const [adding, setAdding] = useState(false);
  const now = useNow();

  useEffect(() => {
    void loadDevices();
    const timer = setInterval(() => void loadDevices(), adding ? JOINING_REFRESH_MS : REFRESH_MS);
    return () => clearInterval(timer);
  }, [loadDevices, adding]);

  const onRemove = (device: DeviceInfo) => removeDevice(device.nodeId);

  let body;
  if (view === null && error)
    body = <ErrorState message={error} onRetry={() => void loadDevices()} />;
  else if (view === null) body = <Loading what="devices" />;
  else
    body = (
      <>
        <HubLine view={view} />
        {adding && view.manages && <AddDevice onClose={() => setAdding(false)} />}
        <ul className="device-list" aria-label="Devices">
          {view.devices.map((device) => (
            <DeviceRow
              key={device.nodeId}
              device={device}
              now={now}
              canRemove={view.manages}
              onRemove={onRemove}
              selfOffline={view.hub === 'none' ? 'No hub' : 'Offline'}
            />
          ))}
        </ul>
        {!adding && <HowDevicesJoin view={view} onAdd={() => setAdding(true)} />}
        {view.hub === 'listed' && !view.manages && view.devices.length > 1 && (
          <p className="muted">Devices are added and removed on the computer that runs the hub.</p>
        )}
      </>
    );

  return (
    <section className="screen devices-screen" aria-labelledby="devices-title">
      <div className="screen-head">
        <h1 id="devices-title">Devices</h1>
        {view?.manages && (
          <button
            type="button"
            className="primary"
            onClick={() => setAdding(true)}
            disabled={adding}
          >
            Add a device
          </button>
        )}
      </div>
      {view !== null && error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {body}
    </section>
  );
}
