import { useEffect, useState } from 'react';
import type {
  ConflictInfo,
  VersionContent,
  VersionInfo,
} from '../../../src-shared/ipc/contract.js';
import { formatBytes } from '../../format/format.js';
import { useAppStore } from '../../store/StoreContext.js';
import { shownVersions, versionName } from './conflictWords.js';
import { OpenVersion } from './OpenVersion.js';
import { TextDiff } from './TextDiff.js';

type Loaded = Record<string, VersionContent>;

/** Loads the content of the given versions (for a preview), once per conflict shown. */
function useContents(
  path: string,
  versions: readonly VersionInfo[],
  enabled: boolean,
): Loaded | null {
  const fetchVersionContent = useAppStore((s) => s.fetchVersionContent);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const key = versions.map((v) => v.eventId).join(',');
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setLoaded(null);
    void Promise.all(
      versions.map(async (v) => [v.eventId, await fetchVersionContent(path, v.eventId)] as const),
    ).then((pairs) => {
      if (live) setLoaded(Object.fromEntries(pairs));
    });
    return () => {
      live = false;
    };
    // `key` stands for `versions`: a new array with the same versions must not refetch.
  }, [path, key, enabled, fetchVersionContent]);
  return loaded;
}

/** Why a version is not shown, or '' when it is (or will be). */
const explain = (content: VersionContent | undefined): string => {
  if (!content) return 'Not loaded.';
  switch (content.kind) {
    case 'binary':
      return `A file of ${formatBytes(content.size)} that can’t be shown here.`;
    case 'unavailable':
      return `Can’t show this version: ${content.reason}`;
    case 'text':
      return content.truncated ? 'Only the beginning of the text is shown.' : '';
    case 'image':
      return '';
    default: {
      const never: never = content;
      return never;
    }
  }
};

/** Each version on its own: its image, or why it can't be shown and a way to open it. */
function EachVersion({
  conflict,
  versions,
  contents,
}: {
  conflict: ConflictInfo;
  versions: readonly VersionInfo[];
  contents: Loaded | null;
}) {
  return (
    <div className="previews">
      {versions.map((version) => {
        const content = contents?.[version.eventId];
        const name = versionName(version.device, version.side);
        return (
          <figure key={version.eventId} className="preview" data-testid="version-preview">
            {content?.kind === 'image' && content.mime.startsWith('image/') ? (
              <img
                src={`data:${content.mime};base64,${content.base64}`}
                alt={`${version.device}’s version of ${conflict.path}`}
              />
            ) : (
              <>
                <p className="muted">
                  {contents === null
                    ? 'No preview for this kind of file.'
                    : explain(content) || 'No preview.'}
                </p>
                <OpenVersion conflict={conflict} version={version} />
              </>
            )}
            <figcaption>{name}</figcaption>
          </figure>
        );
      })}
    </div>
  );
}

/**
 * What differs between the first two versions as shown (this device's on the left): a text
 * diff side by side, images, or for anything else a way to open each.
 */
export function VersionPreview({ conflict }: { conflict: ConflictInfo }) {
  const shown = shownVersions(conflict).slice(0, 2);
  const previewable = conflict.preview !== 'none';
  const contents = useContents(conflict.path, shown, previewable);
  const [left, right] = shown;
  if (!left || !right) return null;
  if (!previewable) return <EachVersion conflict={conflict} versions={shown} contents={null} />;
  if (contents === null)
    return (
      <p className="muted" role="status">
        Loading preview…
      </p>
    );

  const a = contents[left.eventId];
  const b = contents[right.eventId];
  if (a?.kind === 'text' && b?.kind === 'text')
    return (
      <>
        <TextDiff
          left={a.text}
          right={b.text}
          leftLabel={versionName(left.device, left.side)}
          rightLabel={versionName(right.device, right.side)}
        />
        {(a.truncated || b.truncated) && (
          <p className="muted">Only the beginning of the texts is compared.</p>
        )}
      </>
    );
  return <EachVersion conflict={conflict} versions={shown} contents={contents} />;
}
