// Preloaded into the CLI by the longRun benchmark (bench/run.ts): prints the process's peak RSS at exit.
process.on('exit', () => {
  process.stderr.write(`PEAK_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
