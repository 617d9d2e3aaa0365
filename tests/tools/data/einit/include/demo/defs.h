/* Channel names for tests/tools/test_einit_tool.py. */
#ifndef DEMO_DEFS_H
#define DEMO_DEFS_H
#define DEMO_STORE_ID "demo.Store"
#define DEMO_QUOTED   "say\"hi\"!"
#define DEMO_NUMBER   42               /* not a string: taken as written */
#define DEMO_JOINED   "demo" \
                      ".Joined"        /* adjacent literals, a continued line */
#define DEMO_ALIAS    DEMO_STORE_ID    // another macro of the header
#define DEMO_BARE     demo.Bare
#define DEMO_EMPTY
#define DEMO_LOOP     DEMO_LOOP
#define DEMO_FUNC(x)  x
#endif
