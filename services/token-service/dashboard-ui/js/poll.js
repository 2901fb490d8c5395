/**
 * Runs `task` now and then every `interval` ms until `signal` aborts. Pauses while the tab is
 * hidden (no requests for nobody) and catches up as soon as it is visible again. After a
 * failure it waits longer each time, up to a minute, so a down server is not hammered.
 */
export function poll(task, { interval, signal, onError }) {
  let timer = 0;
  let inFlight = false;
  let again = false;
  let failures = 0;

  const schedule = () => {
    clearTimeout(timer);
    if (signal.aborted || document.hidden) return;
    const wait = failures ? Math.min(interval * 2 ** failures, 60_000) : interval;
    timer = setTimeout(run, wait);
  };

  const run = async () => {
    if (signal.aborted) return;
    // Asked again while a request is out (a filter changed): run once more as soon as it is back.
    if (inFlight) return void (again = true);
    inFlight = true;
    try {
      await task();
      failures = 0;
    } catch (error) {
      if (error?.name === 'AbortError') return;
      failures++;
      onError?.(error);
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        run();
      } else schedule();
    }
  };

  const onVisibility = () => {
    if (!document.hidden) run();
    else clearTimeout(timer);
  };
  document.addEventListener('visibilitychange', onVisibility);
  signal.addEventListener('abort', () => {
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  });
  run();
  return { refresh: run };
}
