/**
 * The preload of NetGuardian's window. It runs sandboxed, so it is bundled into one CommonJS
 * file (scripts/build-electron.mjs) whose only `require` is `electron`.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridge } from './bridge.js';

contextBridge.exposeInMainWorld('netguardian', createBridge({ ipcRenderer, webUtils }));
