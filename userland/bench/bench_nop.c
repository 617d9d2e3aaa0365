/* bench_nop: a program that does nothing, for the process-start benchmark. */
int main(void) { return 0; }
