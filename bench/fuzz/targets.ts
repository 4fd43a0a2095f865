// Every fuzz target, by name, in the order the runner reports them. A target of a parser
// that has not landed on this branch is simply not listed here yet.

import type { Target } from './target.js';
import { address } from './targets/address.js';
import { chunked } from './targets/chunked.js';
import { requestHead, responseHead } from './targets/head.js';
import { router } from './targets/router.js';
import { serializer } from './targets/serializer.js';
import { staticPath } from './targets/static-path.js';
import { stateMachine } from './targets/state.js';
import { multipart } from './targets/multipart.js';
import { templateCompiler } from './targets/template.js';
import { urlencoded } from './targets/urlencoded.js';
import { validation } from './targets/validation.js';

export const TARGETS: readonly Target[] = [requestHead, responseHead, chunked, stateMachine, serializer, address, router, urlencoded, multipart, templateCompiler, staticPath, validation];
