// Placeholder worker entry until the worker runtime lands: stays up and exits cleanly on SIGTERM.
const keepAlive = setInterval(() => {}, 60_000);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    clearInterval(keepAlive);
    process.exit(0);
  });
}
console.log(JSON.stringify({ level: 30, msg: 'workers: no processors registered yet' }));
