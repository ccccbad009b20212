declare module 'async-exit-hook' {
  const hook: { (fn: () => void): void; unhookEvent(event: string): void };
  export default hook;
}
