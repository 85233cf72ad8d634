"""``/api/v1/alerts``: saved searches that notify (issue 13). Any token may call them; a client
token sees and manages only its own alerts, an admin token all of them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from paperwork.alerts import v1_service
from paperwork.alerts.v1_schemas import (
    AlertChanges,
    AlertIn,
    AlertList,
    AlertPreview,
    AlertRead,
    AlertTestResult,
    DeliveryPage,
)
from paperwork.auth.dependency import CallerDep
from paperwork.clock import NowDep, TodayDep
from paperwork.db import SessionDep
from paperwork.envelope import Envelope, error_responses, ok

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])

AlertId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get(
    "",
    response_model=Envelope[AlertList],
    responses=error_responses(401, 422),
    summary="알림 목록 (client: 자신의 알림, admin: 전체)",
)
async def list_alerts(
    session: SessionDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Any:
    return ok(await v1_service.list_alerts(session, caller, limit=limit, offset=offset))


@router.post(
    "",
    status_code=201,
    response_model=Envelope[AlertRead],
    responses=error_responses(401, 409, 422),
    summary="알림 만들기",
)
async def create_alert(
    request: Request, session: SessionDep, caller: CallerDep, now: NowDep, body: AlertIn
) -> Any:
    settings = request.app.state.settings
    created = await v1_service.create_alert(
        session,
        caller,
        body,
        tz=settings.tz,
        now=now,
        private_hosts_for_clients=settings.alerts_private_hosts,
    )
    return ok(created, status_code=201)


@router.get(
    "/{alert_id}",
    response_model=Envelope[AlertRead],
    responses=error_responses(401, 404, 422),
    summary="알림 한 건",
)
async def get_alert(session: SessionDep, caller: CallerDep, alert_id: AlertId) -> Any:
    return ok(await v1_service.get_alert(session, caller, alert_id))


@router.patch(
    "/{alert_id}",
    response_model=Envelope[AlertRead],
    responses=error_responses(401, 404, 422),
    summary="알림 바꾸기 (보낸 항목만)",
)
async def update_alert(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    now: NowDep,
    alert_id: AlertId,
    changes: AlertChanges,
) -> Any:
    settings = request.app.state.settings
    updated = await v1_service.update_alert(
        session,
        caller,
        alert_id,
        changes,
        tz=settings.tz,
        now=now,
        private_hosts_for_clients=settings.alerts_private_hosts,
    )
    return ok(updated)


@router.delete(
    "/{alert_id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(401, 404, 422),
    summary="알림 지우기",
)
async def delete_alert(session: SessionDep, caller: CallerDep, alert_id: AlertId) -> Response:
    await v1_service.delete_alert(session, caller, alert_id)
    return Response(status_code=204)


@router.post(
    "/{alert_id}/test",
    response_model=Envelope[AlertTestResult],
    responses=error_responses(401, 404, 422),
    summary="테스트 발송: 모든 채널로 지금 보내고 채널별 결과",
    description="The alert's test message (with up to 3 programs its search matches now, newest "
    "first) goes to every channel at once; the answer is 200 with each channel's real outcome, "
    "even when some failed (`delivered: false` and the service's reason in `error`).",
)
async def send_test(
    request: Request, session: SessionDep, caller: CallerDep, today: TodayDep, alert_id: AlertId
) -> Any:
    tz = request.app.state.settings.tz
    return ok(await v1_service.test_alert(session, caller, alert_id, tz=tz, today=today))


@router.get(
    "/{alert_id}/deliveries",
    response_model=Envelope[DeliveryPage],
    responses=error_responses(401, 404, 422),
    summary="발송 기록: 알림의 메시지들 (최신순), 상태·시도 횟수·채널의 오류",
)
async def list_deliveries(
    session: SessionDep,
    caller: CallerDep,
    alert_id: AlertId,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Any:
    page = await v1_service.list_deliveries(session, caller, alert_id, limit=limit, offset=offset)
    return ok(page)


@router.get(
    "/{alert_id}/preview",
    response_model=Envelope[AlertPreview],
    responses=error_responses(401, 404, 422),
    summary="미리보기: 지금 보낸다면 보낼 메시지 (보내지도 기록하지도 않음)",
)
async def preview_alert(
    request: Request, session: SessionDep, caller: CallerDep, now: NowDep, alert_id: AlertId
) -> Any:
    settings = request.app.state.settings
    preview = await v1_service.preview_alert(
        session, caller, alert_id, tz=settings.tz, now=now, public_url=settings.public_url
    )
    return ok(preview)
