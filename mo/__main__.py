from mo.cli import main

main()
