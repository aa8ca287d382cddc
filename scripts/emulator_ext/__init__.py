"""Extensions that the drift-deploy emulator installs into moto before it serves requests.

Each module adds AWS calls that moto 5.x lacks, following AWS's documented behaviour, and
nothing else, except dynamodb_costs, which only makes two of moto's calls cheaper;
scripts/EMULATOR.md describes what each one does.
"""
