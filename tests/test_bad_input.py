import pytest


@pytest.mark.parametrize(
    "url", ["/posts/%00/", "/search/?q=caf%00e", "/?page=%00", "/category/%00news/"]
)
def test_a_nul_byte_in_the_address_is_a_bad_request(client, db, url):
    assert client.get(url).status_code == 400
