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
    libraryTarget: 'commonjs2',
  },
  devtool: 'source-map',
  externals: { vscode: 'commonjs vscode' },
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [{ test: /\.ts$/, exclude: /node_modules/, use: [{ loader: 'ts-loader', options: { configFile: 'tsconfig.json', onlyCompileBundledFiles: true } }] }],
  },
  performance: { hints: false },
  ignoreWarnings: [/Can't resolve 'pino-pretty'/, /Critical dependency/],
};
