from .committee import CHARTER_VERSION, CharterAcceptance, Committee, CommitteeMember, CommitteeRole
from .guest import SessionGuest
from .minutes import MinutesCaseExtract, MinutesVersion
from .reference import AlarmCategory, AlarmItem, Delay, IcdPmGroup, MaternalCondition, PathwayStage
from .review import Avoidability, CareGrade, CaseReview, ContributingFactor
from .session import AgendaItem, Attendance, Session, SessionStatus, SessionTransition

__all__ = [
    "CHARTER_VERSION",
    "AgendaItem",
    "AlarmCategory",
    "AlarmItem",
    "Attendance",
    "Avoidability",
    "CareGrade",
    "CaseReview",
    "CharterAcceptance",
    "Committee",
    "CommitteeMember",
    "CommitteeRole",
    "ContributingFactor",
    "Delay",
    "IcdPmGroup",
    "MaternalCondition",
    "MinutesCaseExtract",
    "MinutesVersion",
    "PathwayStage",
    "Session",
    "SessionGuest",
    "SessionStatus",
    "SessionTransition",
]
