import { useAppStore } from '../../store/StoreContext.js';

/** "All files › Documents › Taxes": each part opens that folder; back and forward beside them. */
export function FolderPath() {
  const folder = useAppStore((s) => s.files.folder);
  const canGoBack = useAppStore((s) => s.files.back.length > 0);
  const canGoForward = useAppStore((s) => s.files.forward.length > 0);
  const browseFolder = useAppStore((s) => s.browseFolder);
  const goBack = useAppStore((s) => s.goBack);
  const goForward = useAppStore((s) => s.goForward);
  const parts = folder === '' ? [] : folder.split('/');
  const crumbs = [
    { label: 'All files', path: '' },
    ...parts.map((name, i) => ({ label: name, path: parts.slice(0, i + 1).join('/') })),
  ];
  return (
    <nav className="folder-path" aria-label="Folder" data-testid="folder-path">
      <button type="button" onClick={goBack} disabled={!canGoBack} aria-label="Back">
        ←
      </button>
      <button type="button" onClick={goForward} disabled={!canGoForward} aria-label="Forward">
        →
      </button>
      <ol>
        {crumbs.map((crumb, i) => (
          <li key={crumb.path}>
            {i === crumbs.length - 1 ? (
              <span aria-current="location">{crumb.label}</span>
            ) : (
              <button type="button" className="link" onClick={() => browseFolder(crumb.path)}>
                {crumb.label}
              </button>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
