import { useEffect } from 'react';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useNow } from '../../components/useNow.js';
import { formatAgo, formatDate } from '../../format/format.js';
import { useAppStore } from '../../store/StoreContext.js';

/** The devices sharing this folder and when each was last heard from. */
export function DevicesScreen() {
  const list = useAppStore((s) => s.devices.list);
  const error = useAppStore((s) => s.devices.error);
  const loadDevices = useAppStore((s) => s.loadDevices);
  const now = useNow();

  useEffect(() => {
    void loadDevices();
  }, [loadDevices]);

  let body;
  if (list === null && error)
    body = <ErrorState message={error} onRetry={() => void loadDevices()} />;
  else if (list === null) body = <Loading what="devices" />;
  else if (list.length === 0)
    body = <Empty title="No devices yet.">Devices appear here once they sync with the hub.</Empty>;
  else
    body = (
      <ul className="device-list">
        {list.map((device) => (
          <li
            key={device.nodeId}
            className="device card"
            data-testid="device"
            data-node-id={device.nodeId}
          >
            <strong>{device.name}</strong>
            {device.thisDevice && <span className="tag">This device</span>}
            <span className="muted">
              {device.thisDevice ? (
                'Online now'
              ) : device.lastSeen === null ? (
                'Never seen'
              ) : (
                <>
                  Last seen{' '}
                  <time
                    dateTime={new Date(device.lastSeen).toISOString()}
                    title={formatDate(device.lastSeen)}
                  >
                    {formatAgo(device.lastSeen, now)}
                  </time>
                </>
              )}
            </span>
            <code className="muted small">{device.nodeId}</code>
          </li>
        ))}
      </ul>
    );

  return (
    <section className="screen devices-screen" aria-labelledby="devices-title">
      <div className="screen-head">
        <h1 id="devices-title">Devices</h1>
      </div>
      {list !== null && error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {body}
    </section>
  );
}
