import { useEffect, useState } from 'react';
import type {
  ConflictInfo,
  VersionContent,
  VersionInfo,
} from '../../../src-shared/ipc/contract.js';
import { formatBytes } from '../../format/format.js';
import { useAppStore } from '../../store/StoreContext.js';
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

const explain = (content: VersionContent | undefined): string => {
  if (!content) return 'Not loaded.';
  switch (content.kind) {
    case 'binary':
      return `A binary file (${formatBytes(content.size)}) that can’t be shown here; open the copy to compare.`;
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

/** The difference between the version on disk and the first kept copy: text diff, images, or words. */
export function VersionPreview({ conflict }: { conflict: ConflictInfo }) {
  const [onDisk, copy] = conflict.versions;
  const shown = [onDisk, copy].filter((v): v is VersionInfo => v !== undefined);
  const contents = useContents(conflict.path, shown, conflict.preview !== 'none');
  if (!onDisk || !copy) return null;
  if (conflict.preview === 'none')
    return <p className="muted">No preview for this kind of file. Open the copy to compare.</p>;
  if (contents === null)
    return (
      <p className="muted" role="status">
        Loading preview…
      </p>
    );

  const a = contents[onDisk.eventId];
  const b = contents[copy.eventId];
  if (a?.kind === 'text' && b?.kind === 'text')
    return (
      <>
        <TextDiff
          a={a.text}
          b={b.text}
          aLabel={`${onDisk.device}’s version`}
          bLabel={`${copy.device}’s version`}
        />
        {(a.truncated || b.truncated) && (
          <p className="muted">Only the beginning of the texts is compared.</p>
        )}
      </>
    );
  return (
    <div className="previews">
      {shown.map((version) => {
        const content = contents[version.eventId];
        return (
          <figure key={version.eventId} className="preview">
            {content?.kind === 'image' && content.mime.startsWith('image/') ? (
              <img
                src={`data:${content.mime};base64,${content.base64}`}
                alt={`${version.device}’s version of ${conflict.path}`}
              />
            ) : (
              <p className="muted">{explain(content)}</p>
            )}
            <figcaption>{version.device}’s version</figcaption>
          </figure>
        );
      })}
    </div>
  );
}
