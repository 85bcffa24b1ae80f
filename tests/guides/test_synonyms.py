import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from guides.models import Synonym

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("term,same_as,field", [
    ("？？", "缴费", "term"),
    ("交费", "…", "same_as"),
    ("Взнос", "взносы", "same_as"),  # the same word once case and endings are set aside
])
def test_a_pair_that_cannot_work_is_refused_with_a_reason(term, same_as, field):
    with pytest.raises(ValidationError) as error:
        Synonym(term=term, same_as=same_as).full_clean()
    assert field in error.value.message_dict


def test_a_pair_already_entered_the_other_way_round_is_refused():
    Synonym.objects.create(term="交费", same_as="缴费")
    with pytest.raises(ValidationError) as error:
        Synonym(term="缴费", same_as="交费").full_clean()
    assert "same_as" in error.value.message_dict


def test_the_demo_list_loads_and_reloads_without_duplicates():
    call_command("load_demo_content", verbosity=0)
    count = Synonym.objects.count()
    call_command("load_demo_content", verbosity=0)
    assert Synonym.objects.count() == count >= 10
    assert Synonym.objects.get(term="ВНЖ").both_ways is False
    assert Synonym.objects.filter(term="交费", same_as="缴费").exists()


def test_editors_change_synonyms_in_admin_with_history(admin_client):
    response = admin_client.post("/ru/admin/guides/synonym/add/", {
        "term": "补交", "same_as": "补缴", "both_ways": "on", "note": "",
    })
    assert response.status_code == 302
    synonym = Synonym.objects.get(term="补交")
    assert synonym.history.count() == 1
    page = admin_client.get(f"/ru/admin/guides/synonym/{synonym.pk}/change/").content.decode()
    assert "Означает то же, что" in page and "И в обратную сторону" in page
