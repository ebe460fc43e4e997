from kompetensfond.cli import main

main()
