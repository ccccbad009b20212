import { useEffect } from 'react';
import { activityText } from '../../../src-shared/activityText.js';
import type { ActivityItem, ActivityKind } from '../../../src-shared/ipc/contract.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useNow } from '../../components/useNow.js';
import { countOf, formatAgo, formatCount, formatDate } from '../../format/format.js';
import { routeHref } from '../../components/useRoute.js';
import { useAppStore } from '../../store/StoreContext.js';
import { linkOf } from './activityLinks.js';
import { RestoreDeleted } from './RestoreDeleted.js';

/** "3 files, 1 folder": `total` counts both, as the state does. */
export function filesAndFolders(total: number, folders: number): string {
  return `${countOf(Math.max(0, total - folders), 'file')}, ${countOf(folders, 'folder')}`;
}

const KIND_WORDS: Record<ActivityKind, string> = {
  change: 'Change',
  sync: 'Sync',
  conflict: 'Conflict',
  resolved: 'Resolved',
  upload: 'Change',
  error: 'Problem',
};

function SyncFacts() {
  const app = useAppStore((s) => s.status.app);
  const now = useNow();
  if (app === null) return <Loading what="sync status" />;
  const { scan, upload, download } = app.progress;
  return (
    <section aria-labelledby="sync-status-title" className="card">
      <h2 id="sync-status-title">Sync status</h2>
      <dl className="facts">
        <dt>Hub</dt>
        <dd>
          {app.hub
            ? `${app.hub.description}, ${app.hub.connected ? 'connected' : 'not connected'}`
            : 'None: files stay on this device'}
        </dd>
        <dt>Last sync</dt>
        <dd>{app.lastSyncAt ? formatAgo(app.lastSyncAt, now) : 'Not yet'}</dd>
        <dt>Waiting to upload</dt>
        <dd data-testid="pending-upload">{formatCount(app.pending.upload)}</dd>
        <dt>Waiting to download</dt>
        <dd data-testid="pending-download">{formatCount(app.pending.download)}</dd>
        <dt>In the folder</dt>
        <dd data-testid="folder-counts">{filesAndFolders(app.files, app.folders)}</dd>
      </dl>
      {app.lastError && (
        <p className="notice notice-error" role="alert">
          {app.lastError}
        </p>
      )}
      {scan && <ProgressBar progress={scan} label="Checking the folder" />}
      {upload && <ProgressBar progress={upload} label="Uploading" />}
      {download && <ProgressBar progress={download} label="Downloading" />}
      {!scan && !upload && !download && <p className="muted">No transfers running.</p>}
    </section>
  );
}

/**
 * One thing that happened. An item about a file is a link to it (the Files screen, its folder
 * open and the file selected, its history beside it); a conflict links to the Conflicts screen.
 * Links are real hash links, so they open with the keyboard and read as links.
 */
function ActivityRow({ item, now }: { item: ActivityItem; now: number }) {
  const browseFolder = useAppStore((s) => s.browseFolder);
  const selectFile = useAppStore((s) => s.selectFile);
  const text = activityText(item);
  const target = linkOf(item);
  let message;
  if (target === null) message = <span className="activity-message">{text}</span>;
  else if (target.kind === 'conflicts')
    message = (
      <a className="activity-message" href={routeHref('conflicts', { path: target.path })}>
        {text}
      </a>
    );
  else
    message = (
      <a
        className="activity-message"
        href="#/files"
        onClick={() => {
          // The hash change that follows shows the Files screen with this folder and row.
          browseFolder(target.folder);
          if (target.file !== null) selectFile({ path: target.file, kind: 'file' });
        }}
      >
        {text}
      </a>
    );
  return (
    <li className={`activity activity-${item.kind}`} data-kind={item.kind}>
      <span className="tag">{KIND_WORDS[item.kind]}</span>
      {message}
      <time dateTime={new Date(item.at).toISOString()} title={formatDate(item.at)}>
        {formatAgo(item.at, now)}
      </time>
    </li>
  );
}

/** What happened lately, newest first, and how far the current transfers are. */
export function ActivityScreen() {
  const items = useAppStore((s) => s.activity.items);
  const error = useAppStore((s) => s.activity.error);
  const loadActivity = useAppStore((s) => s.loadActivity);
  const now = useNow();

  useEffect(() => {
    void loadActivity();
  }, [loadActivity]);

  let list;
  if (items === null && error)
    list = <ErrorState message={error} onRetry={() => void loadActivity()} />;
  else if (items === null) list = <Loading what="activity" />;
  else if (items.length === 0)
    list = (
      <Empty title="Nothing has happened yet.">
        Changes, syncs and problems will be listed here.
      </Empty>
    );
  else
    list = (
      <ol className="activity-list" data-testid="activity-list">
        {items.map((item) => (
          <ActivityRow key={item.id} item={item} now={now} />
        ))}
      </ol>
    );

  return (
    <section className="screen activity-screen" aria-labelledby="activity-title">
      <div className="screen-head">
        <h1 id="activity-title">Activity</h1>
      </div>
      <SyncFacts />
      <RestoreDeleted />
      <section aria-labelledby="recent-title" className="card">
        <h2 id="recent-title">Recent activity</h2>
        {list}
      </section>
    </section>
  );
}
