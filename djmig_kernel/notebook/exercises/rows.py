"""Notebook 04's exercise: a second book by the same author, saved with the ORM."""

from .exercise import Exercise
from .verdict import Mistake, Unanswered

__all__ = ["SecondBook"]


class SecondBook(Exercise):
    number, title = "04", "a second book"
    task = "add a second book by JK Rowling to app_book with the ORM, in sb.shell(...)"
    reference = '''added = sb.shell("""
from app.models import Author, Book
author = Author.objects.get(name="JK Rowling")
Book(title="Harry Potter and the Chamber of Secrets", author=author).save()
""")
'''

    def begin(self, sb):
        return {"books": sb.table("app_book"), "authors": sb.table("app_author"),
                "ledger": sb.ledger()[["app", "name"]].values.tolist()}

    def judge(self, answers, sb):
        books, authors = sb.table("app_book"), sb.table("app_author")
        start = self.start
        if sb.ledger()[["app", "name"]].values.tolist() != start["ledger"]:
            raise Mistake("the ledger changed: adding a row needs no migration and no migrate; ex.reset() puts it "
                          "back, then save the book only")
        added = len(books) - len(start["books"])
        if added == 0:
            raise Unanswered(self.task)
        if added < 0:
            raise Mistake(f"app_book lost {-added} book(s): ex.reset() puts them back; then add one, delete none")
        if added > 1:
            raise Mistake(f"app_book has {added} new books, not one: ex.reset() and save a single book")
        book = books.iloc[-1]
        rowling = start["authors"].loc[start["authors"]["name"] == "JK Rowling", "id"].item()
        if len(authors) > len(start["authors"]):
            raise Mistake(f"app_author has {len(authors) - len(start['authors'])} new author(s): the book should "
                          f"have JK Rowling, who is there already: find her with "
                          f"Author.objects.get(name=\"JK Rowling\") instead of making her again")
        if book["author_id"] != rowling:
            raise Mistake(f"the new book's author is author {book['author_id']}, not JK Rowling ({rowling})")
        if not str(book["title"]).strip():
            raise Mistake("the new book has no title: give it one, e.g. \"Harry Potter and the Chamber of Secrets\"")
        if book["title"] in set(start["books"]["title"]):
            raise Mistake(f"the new book is called {book['title']!r} again: give the second book a title of its own")
        return (f"app_book has two books, both by JK Rowling (author {rowling}), and the ledger did not change: "
                f"rows need no migration.")
