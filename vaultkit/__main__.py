from vaultkit.cli import main

main(prog_name="vaultkit")
