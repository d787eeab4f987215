from launch_tui.cli import main

raise SystemExit(main())
