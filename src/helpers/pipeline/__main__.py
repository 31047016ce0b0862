import sys

from helpers.pipeline.cli import main

sys.exit(main())
