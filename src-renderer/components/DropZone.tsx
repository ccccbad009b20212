import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useAppStore } from '../store/StoreContext.js';
import { carriesFiles, dropTargetDir, readDrop } from './dropTarget.js';

/**
 * The whole window accepts dropped files and folders and copies them into the synced folder.
 * Enter/leave fire for every child element, so a depth counter decides when the overlay hides.
 */
export function DropZone({ children }: { children: ReactNode }) {
  const target = useAppStore((s) => dropTargetDir(s.files));
  const startUpload = useAppStore((s) => s.startUpload);
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);

  const onDragEnter = (event: DragEvent) => {
    if (!carriesFiles(event.dataTransfer)) return;
    event.preventDefault();
    depth.current += 1;
    setDragging(true);
  };
  const onDragOver = (event: DragEvent) => {
    if (!carriesFiles(event.dataTransfer)) return;
    event.preventDefault(); // Without this the browser opens the file instead of dropping it.
    event.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = () => {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    depth.current = 0;
    setDragging(false);
    const drop = readDrop(event.dataTransfer);
    if (drop.files.length > 0 || drop.entries.some((e) => e !== null))
      void startUpload(drop, target);
  };

  return (
    <div
      className="drop-zone"
      data-testid="drop-zone"
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      {children}
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <p>Drop to copy into {target === '' ? 'the synced folder' : target}</p>
        </div>
      )}
    </div>
  );
}
