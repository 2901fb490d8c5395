'use strict';
/**
 * Loaded into a service with NODE_OPTIONS=--require (BENCH_PROFILE=1). When the file `start`
 * appears in BENCH_PROFILE_DIR the process starts sampling its CPU with the inspector; when
 * `stop` appears (or the process exits) it writes <service>-<pid>.cpuprofile there. So the profile
 * covers exactly the measurement, not the start-up. (Files, not signals: Nest's shutdown hooks
 * treat SIGUSR2 as a shutdown.)
 */
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  let state = 'idle';
  const stop = () => {
    if (state !== 'running') return;
    state = 'done';
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      const service = path.basename(path.dirname(path.dirname(process.argv[1] || 'unknown/dist/x')));
      fs.writeFileSync(path.join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  const timer = setInterval(() => {
    if (state === 'idle' && fs.existsSync(path.join(dir, 'start'))) {
      state = 'running';
      session.post('Profiler.enable');
      session.post('Profiler.setSamplingInterval', { interval: 500 });
      session.post('Profiler.start');
    } else if (state === 'running' && fs.existsSync(path.join(dir, 'stop'))) {
      stop();
      clearInterval(timer);
    }
  }, 50);
  timer.unref();
  process.on('exit', stop);
}
