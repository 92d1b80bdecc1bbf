// Bundle stand-in for `socks`, which imapflow loads for SOCKS proxies. Mail Inspector never configures a proxy, so
// the real client is left out of dist/extension.js; reaching this stub is a bug, and says so.
export const SocksClient = {
  createConnection(): never {
    throw new Error('SOCKS proxies are not supported by Mail Inspector.');
  },
};
