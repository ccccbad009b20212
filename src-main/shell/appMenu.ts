type Role =
  | 'about'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'close'
  | 'minimize';

export interface AppMenuItem {
  label?: string;
  role?: Role;
  type?: 'separator';
  accelerator?: string;
  click?: () => void;
  submenu?: AppMenuItem[];
}

/**
 * The application menu. It keeps the edit roles (copy and paste in text fields need them on
 * macOS) and has no reload or devtools items: a reload would bypass nothing, but devtools
 * in a shipped build would let anyone run script inside the trusted origin. "Close window"
 * closes the window like its close button (the app stays in the tray); "Quit" is the only way
 * out besides the tray.
 */
export function appMenuTemplate(
  platform: NodeJS.Platform,
  actions: { quit: () => void; openWindow: () => void; openFolder: () => void },
): AppMenuItem[] {
  const quit: AppMenuItem = {
    label: 'Quit NetGuardian',
    accelerator: 'CmdOrCtrl+Q',
    click: actions.quit,
  };
  const file: AppMenuItem = {
    label: 'File',
    submenu: [
      { label: 'Open folder', click: actions.openFolder },
      { type: 'separator' },
      { role: 'close', label: 'Close window' },
      ...(platform === 'darwin' ? [] : [{ type: 'separator' as const }, quit]),
    ],
  };
  const edit: AppMenuItem = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  if (platform !== 'darwin') return [file, edit];
  return [
    {
      label: 'NetGuardian',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        quit,
      ],
    },
    file,
    edit,
    {
      label: 'Window',
      submenu: [{ role: 'minimize' }, { label: 'Show NetGuardian', click: actions.openWindow }],
    },
  ];
}
