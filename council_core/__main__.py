from council_core.cli import main

raise SystemExit(main())
