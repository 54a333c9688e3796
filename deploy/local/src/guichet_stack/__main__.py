from guichet_stack.cli import main

raise SystemExit(main())
