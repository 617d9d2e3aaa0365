/* Channel names for tests/tools/test_einit_tool.py. */
#ifndef DEMO_DEFS_H
#define DEMO_DEFS_H
#define DEMO_STORE_ID "demo.Store"
#define DEMO_QUOTED   "say \"hi\""
#define DEMO_NUMBER   42
#endif
