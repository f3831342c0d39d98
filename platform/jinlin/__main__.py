from jinlin.cli import main

main()
