// Child process: a node:http server, or the raw net limit, for the benchmarks.
import { nodeHttp, rawNet } from './apps.js';
if (process.argv[3] === 'raw') rawNet(process.argv[2]!);
else nodeHttp(process.argv[2] ?? '127.0.0.1');
