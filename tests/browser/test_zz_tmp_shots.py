import pytest
from tests.browser.helpers import sign_in, visit
from trellis.core.domain.roles import Role
from trellis.core.models import Membership
pytestmark = pytest.mark.browser

def test_shots(page, demo_place, demo_email, demo_password):
    email = demo_email("Provider admin")
    org = Membership.objects.get(person__email=email, role=Role.PROVIDER_ADMIN).organisation
    sign_in(page, email, demo_password)
    for name, url in [("edit", f"/directory/{org.slug}/edit/"), ("evidence", f"/directory/{org.slug}/evidence/"), ("members", f"/directory/{org.slug}/members/")]:
        visit(page, url)
        page.screenshot(path=f"/tmp/scratch/{name}.png", full_page=True)
    visit(page, f"/directory/{org.slug}/evidence/")
    page.get_by_role("button", name="Upload document").click()
    page.wait_for_load_state()
    page.screenshot(path="/tmp/scratch/evidence_err.png", full_page=True)
    page.context.clear_cookies()
    sign_in(page, demo_email("Commissioner"), demo_password)
    visit(page, "/directory/verify/")
    page.screenshot(path="/tmp/scratch/queue.png", full_page=True)
    link = page.locator("a[href^='/directory/verify/']").first
    if link.count():
        link.click(); page.wait_for_load_state()
        page.screenshot(path="/tmp/scratch/review.png", full_page=True)
