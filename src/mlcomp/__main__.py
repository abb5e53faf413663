from mlcomp.entry import main

main()
