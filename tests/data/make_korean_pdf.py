"""Makes tests/data/attachments/korean_notice.pdf: a Korean announcement (공고문) with a table,
printed to PDF by headless Chromium with the Noto Sans CJK KR font, so the text layer is the
kind real portals' PDFs have (CID fonts, subset, with ToUnicode maps).

Needs Debian's ``chromium`` and ``fonts-noto-cjk``; run from the repository root:

    .venv/bin/python tests/data/make_korean_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

OUTPUT = Path(__file__).parent / "attachments" / "korean_notice.pdf"

PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><style>
  body { font-family: "Noto Sans CJK KR"; font-size: 11pt; margin: 2cm; }
  h1 { font-size: 16pt; font-weight: normal; }
  th { font-weight: normal; }
  table { border-collapse: collapse; }
  th, td { border: 1px solid #000; padding: 4px 8px; }
</style></head><body>
<h1>2025년 소상공인 디지털 전환 지원사업 공고</h1>
<p>중소벤처기업부는 소상공인의 디지털 역량 강화를 위하여 다음과 같이 지원사업 참여 기업을
모집하오니 많은 신청 바랍니다.</p>
<table>
  <tr><th>구분</th><th>내용</th></tr>
  <tr><td>지원대상</td><td>업력 1년 이상 소상공인</td></tr>
  <tr><td>지원금액</td><td>기업당 최대 500만원</td></tr>
  <tr><td>신청기간</td><td>2025. 3. 4.(화) ~ 2025. 3. 31.(월) 18:00</td></tr>
</table>
<p>문의처: 소상공인시장진흥공단 디지털전환팀 (☎ 1357)</p>
</body></html>
"""


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.set_content(PAGE)
        OUTPUT.write_bytes(page.pdf(format="A4"))
        browser.close()


if __name__ == "__main__":
    main()
