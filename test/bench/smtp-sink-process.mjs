// The far end of the sending bench, in a process of its own so that its CPU time and memory
// are not counted as the app's: an SMTP server that accepts everything and only counts.
// Prints its port on stdout; answers `count` messages over IPC with the number received.
import { SMTPServer } from 'smtp-server';

let received = 0;
const server = new SMTPServer({
  secure: false,
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  size: 20 * 1024 * 1024,
  closeTimeout: 50,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      received += 1;
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.server.address().port }));
process.on('message', (message) => {
  if (message === 'count') process.send({ count: received });
  if (message === 'close') server.close(() => process.exit(0));
});
