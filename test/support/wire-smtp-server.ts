import net, { type AddressInfo } from 'node:net';

export interface WireSmtpServer {
  port: number;
  url: string;
  /** Every command line received, exactly as sent (UTF-8), DATA content excluded. */
  commands: string[];
  close(): Promise<void>;
}

/**
 * A minimal SMTP server on loopback that records command lines byte for byte. smtp-server (the
 * sink) decodes parameters before anyone sees them; this one shows what was on the wire.
 */
export async function startWireSmtpServer(): Promise<WireSmtpServer> {
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let isData = false;
    socket.write('220 wire ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (isData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          buffer = buffer.subarray(end + 5);
          isData = false;
          socket.write('250 2.0.0 kept\r\n');
          continue;
        }
        const lf = buffer.indexOf('\r\n');
        if (lf === -1) return;
        const line = buffer.subarray(0, lf).toString('utf8');
        buffer = buffer.subarray(lf + 2);
        commands.push(line);
        const verb = line.split(' ')[0]?.toUpperCase();
        if (verb === 'EHLO') socket.write('250-wire\r\n250-DSN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
        else if (verb === 'DATA') {
          isData = true;
          // The body may start right after the command (pipelined); keep "\r\n" for the search.
          buffer = Buffer.concat([Buffer.from('\r\n'), buffer]);
          socket.write('354 go on\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    commands,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
