// Every IMAP write operation, in one module that ImapWriter loads on the first write (a lazily loaded chunk of the
// bundle, dist/imapWrites.chunk.js): an account that is only browsed never loads it.
export { createFolder, deleteFolder, renameFolder, setSubscribed } from './folderWrites';
export { storeFlags } from './flagWrites';
export { appendMessage, copyMessages, deleteMessages, expungeFolder, moveMessages, planMove, removeMessages, undoMessages } from './messageWrites';
