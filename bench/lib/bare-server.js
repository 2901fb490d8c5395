'use strict';
/**
 * The intake baseline: a bare Node HTTP handler on loopback that reads each request body and
 * answers 200 with a small JSON body — no signature check, no parsing, no storage. Run as its own
 * process (like the gateway) so both are measured the same way; prints its port on stdout.
 */
const http = require('node:http');

if (require.main === module) {
  const server = http.createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
    });
    req.on('end', () => {
      const body = `{"status":"accepted","bytes":${size}}`;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${server.address().port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  // Never outlive the bench: exit when the parent goes away.
  process.on('disconnect', () => process.exit(0));
}

/** Starts the bare server as a child process; resolves with its URL, pid and a stop function. */
function startBareServer() {
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, [__filename], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('bare server did not start')), 10_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${Number(line)}`,
          pid: child.pid,
          async stop() {
            if (child.exitCode !== null) return;
            const exited = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
}

module.exports = { startBareServer };
