from mlcomp.cli import main

main()
