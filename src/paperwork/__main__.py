from paperwork.cli import app

app(prog_name="paperwork")
