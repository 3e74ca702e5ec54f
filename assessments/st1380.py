# ruff: noqa: E501  (the standard's own wording, one line per code)
"""The knowledge, skills and behaviours of the Learning and Skills Assessor standard (ST1380), to which assessors'
CPD is mapped (ASR-3). Copied from the standard's published text (shared/seeds/learning-and-skills-assessor-standard-st1380.txt)."""

from __future__ import annotations

KSBS: dict[str, str] = {
    "K1": "The role of the assessor working within organisational, legal, and ethical frameworks, including confidentiality and safeguarding.",
    "K2": "How to plan inclusive assessment.",
    "K3": "Types of and methods of assessment.",
    "K4": "The principles of assessment to include validity, authenticity, currency, sufficiency, and reliability.",
    "K5": "Methods of verbal and non-verbal communication to support assessment practice, including questioning techniques.",
    "K6": "How to give constructive feedback for the purpose of progress and achievement.",
    "K7": "Standardisation, moderation and quality assurance procedures relevant to the assessment.",
    "K8": "The purpose and process of the quality cycle.",
    "K9": "Organisational and legal requirements for recording, storing and sharing personal information.",
    "K10": "Types and methods of recording and tracking assessment decisions, including the use of digital technology.",
    "K11": "Sources of and how to access accurate and relevant vocational/pastoral advice and guidance to meet learner needs, including points of referral.",
    "K12": "The role and importance of holistic assessment to support wider skill development.",
    "K13": "Approaches to sustainable assessment practice.",
    "K14": "Opportunities for continuing professional development in own sector to maintain occupational competency, including sustainable practice and digital literacy.",
    "S1": "Conduct sustainable assessment practice working within organisational, legal, and ethical frameworks, including confidentiality and safeguarding.",
    "S2": "Produce a plan for assessment.",
    "S3": "Select method(s) to assess learner(s) in line with organisational and regulatory requirements.",
    "S4": "Make accurate assessment judgments against agreed standards.",
    "S5": "Communicate with learner and relevant stakeholders to support assessment practice.",
    "S6": "Provide constructive feedback to support the learner to progress.",
    "S7": "Contribute to standardisation, moderation and quality assurance procedures.",
    "S8": "Develop and maintain records of assessment, complying with quality, confidentiality and data protection requirements.",
    "S9": "Facilitate access to relevant, current information advice and guidance.",
    "S10": "Apply holistic assessment in practice to support wider skills development.",
    "S11": "Identify and implement professional development opportunities to maintain occupational competency, including sustainable practice and digital literacy.",
    "B1": "Operate at all times to ethical and legal standards within professional boundaries, maintaining an impartial approach.",
    "B2": "Take personal responsibility for sustainable outcomes in how they carry out the duties of their role by reference to environmental good practice.",
    "B3": "Demonstrate and encourage mutual respect, displaying a deep understanding of inclusive practice to support the individual(s) in the assessment process.",
    "B4": "Be committed to improving their own professional practice in relation to the assessment standards.",
    "B5": "Be resilient and adaptable when dealing with challenge and change, maintaining focus and self-control.",
}
KSB_CODES = frozenset(KSBS)
