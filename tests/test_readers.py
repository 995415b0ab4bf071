import analyzer.readers
def test_x():
    pass
