// Bundles the extension into one file; `vscode` is provided by the editor at run time.
'use strict';
const path = require('path');

/** @type {import('webpack').Configuration} */
module.exports = {
  target: 'node',
  entry: './src/extension.ts',
  output: {
    path: path.resolve(__dirname, 'dist'),
    filename: 'extension.js',
    // Lazily loaded parts (e.g. the HTML preview's sanitiser) sit beside it as dist/<name>.chunk.js.
    chunkFilename: '[name].chunk.js',
    clean: true,
    libraryTarget: 'commonjs2',
  },
  devtool: 'source-map',
  externals: { vscode: 'commonjs vscode' },
  resolve: {
    // '.json': mailauth (the "auth" chunk) requires its own '../package' for a version string.
    extensions: ['.ts', '.js', '.json'],
    // imapflow requires pino (its default logger) and socks (proxies) at load time; the extension uses neither
    // (it always passes a logger and never a proxy), so small stubs stand in for them: see src/bundleStubs/.
    alias: {
      pino$: path.resolve(__dirname, 'src/bundleStubs/pino.ts'),
      socks$: path.resolve(__dirname, 'src/bundleStubs/socks.ts'),
      // dom-serializer (the HTML preview's serialiser) needs only entities' escaping functions (encodeXML,
      // escapeAttribute, escapeText), not its HTML encoding tables: point its `require("entities")` at that module.
      entities$: path.resolve(__dirname, 'node_modules/entities/dist/commonjs/escape.js'),
      // mailauth (the "auth" chunk) pins older copies of libmime and nodemailer in its own node_modules; the
      // extension's (same API, newer) are already in the activation bundle, so its requires use those.
      [path.resolve(__dirname, 'node_modules/mailauth/node_modules/libmime')]: path.resolve(__dirname, 'node_modules/libmime'),
      [path.resolve(__dirname, 'node_modules/mailauth/node_modules/nodemailer')]: path.resolve(__dirname, 'node_modules/nodemailer'),
    },
  },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        // ES modules out of TypeScript (the tests' build stays CommonJS): webpack then keeps `import()` as a lazily
        // loaded chunk (the HTML preview's sanitiser) instead of folding it into the activation bundle.
        use: [{ loader: 'ts-loader', options: { configFile: 'tsconfig.json', onlyCompileBundledFiles: true, compilerOptions: { module: 'es2020' } } }],
      },
    ],
  },
  // One file per lazily loaded part (no separate vendor chunks), named by its webpackChunkName.
  optimization: { splitChunks: false },
  performance: { hints: false },
  ignoreWarnings: [/Critical dependency/],
};
