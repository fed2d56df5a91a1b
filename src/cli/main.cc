#include "cli/cli.h"

int main(int argc, char** argv) { return mtg::run_cli(argc, argv); }
