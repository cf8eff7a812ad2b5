// Preloaded (NODE_OPTIONS=--import) into a CLI child by the hostile-inputs test: prints the
// process's peak resident memory on stderr when it exits, so the test can hold it under 1 GB.
import process from 'node:process';

process.on('exit', () => process.stderr.write(`\nmax-rss-kb=${process.resourceUsage().maxRSS}\n`));
