// Bundle stand-in for `pino`, which imapflow loads for its default logger. The extension always passes its own
// logger (src/core/imap/trafficLogger.ts), so imapflow never builds the default one; this stub keeps pino and its
// dependencies (thread-stream, sonic-boom, …) out of dist/extension.js. Reaching it is a bug, and says so.
function pino(): never {
  throw new Error('pino is not bundled with Mail Inspector: imapflow must be given a logger.');
}
export default pino;
