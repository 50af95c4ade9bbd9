"""The assignment's bet storage functions (utils.py), used by the server's tests to check that the Java CsvBetStore
reads and writes the very same file. The functions below keep the assignment's csv calls exactly; only the file
path is a parameter instead of a constant.

Usage:
  bets_compat.py load PATH           print every bet of PATH as a JSON list of rows
  bets_compat.py store PATH ROWS     append the bets of the JSON file ROWS (a list of 6-string rows) to PATH
  bets_compat.py winners PATH        print the documents of the winning bets, per agency, as JSON
"""
import csv
import datetime
import json
import sys

LOTTERY_WINNER_NUMBER = 7574


class Bet:
    def __init__(self, agency, first_name, last_name, document, birthdate, number):
        self.agency = int(agency)
        self.first_name = first_name
        self.last_name = last_name
        self.document = document
        self.birthdate = datetime.date.fromisoformat(birthdate)
        self.number = int(number)


def has_won(bet):
    return bet.number == LOTTERY_WINNER_NUMBER


def store_bets(path, bets):
    with open(path, 'a+') as file:
        writer = csv.writer(file, quoting=csv.QUOTE_MINIMAL)
        for bet in bets:
            writer.writerow([bet.agency, bet.first_name, bet.last_name,
                             bet.document, bet.birthdate, bet.number])


def load_bets(path):
    with open(path, 'r') as file:
        reader = csv.reader(file, quoting=csv.QUOTE_MINIMAL)
        for row in reader:
            yield Bet(row[0], row[1], row[2], row[3], row[4], row[5])


def as_row(bet):
    return [bet.agency, bet.first_name, bet.last_name, bet.document, bet.birthdate.isoformat(), bet.number]


def main(command, path, *rest):
    if command == 'load':
        print(json.dumps([as_row(bet) for bet in load_bets(path)]))
    elif command == 'store':
        with open(rest[0], 'r', encoding='utf-8') as rows:
            store_bets(path, [Bet(*row) for row in json.load(rows)])
    elif command == 'winners':
        winners = {}
        for bet in load_bets(path):
            if has_won(bet):
                winners.setdefault(str(bet.agency), []).append(bet.document)
        print(json.dumps(winners))
    else:
        raise SystemExit('unknown command ' + command)


if __name__ == '__main__':
    main(*sys.argv[1:])
