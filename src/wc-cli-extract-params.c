/* stub */
#include "config.h"
#include "wc-cli.h"
int
wc_cli_extract_params (int argc, char **argv)
{
  return 1;
}
