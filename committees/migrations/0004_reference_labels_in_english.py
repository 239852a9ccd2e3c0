"""English labels of the review taxonomies (DESIGN §9 gives ICD-PM, maternal conditions and the
three delays in English; the ALARM grid and the pathway stages are translated here)."""

from django.db import migrations

ENGLISH = {
    "IcdPmGroup": {
        "A1": "Congenital malformations", "A2": "Infection", "A3": "Antepartum hypoxia",
        "A4": "Other specified antepartum disorder", "A5": "Disorders related to fetal growth",
        "A6": "Unspecified",
        "I1": "Congenital malformations", "I2": "Birth trauma", "I3": "Acute intrapartum event",
        "I4": "Infection", "I5": "Other specified intrapartum disorder",
        "I6": "Disorders related to fetal growth", "I7": "Unspecified",
        "N1": "Congenital malformations", "N2": "Disorders related to fetal growth",
        "N3": "Birth trauma", "N4": "Complications of intrapartum events",
        "N5": "Convulsions and disorders of cerebral status", "N6": "Infection",
        "N7": "Respiratory and cardiovascular disorders", "N8": "Other neonatal conditions",
        "N9": "Low birth weight and prematurity", "N10": "Miscellaneous", "N11": "Unspecified",
    },
    "MaternalCondition": {
        "M1": "Complications of placenta, cord and membranes",
        "M2": "Maternal complications of pregnancy",
        "M3": "Other complications of labour and delivery",
        "M4": "Maternal medical and surgical conditions",
        "M5": "No maternal condition",
    },
    "Delay": {
        "D1": "Delay in deciding to seek care",
        "D2": "Delay in reaching care",
        "D3": "Delay in receiving adequate care",
    },
    "AlarmCategory": {
        "1": "Patient", "2": "Task", "3": "Individual (staff)", "4": "Team",
        "5": "Work environment", "6": "Organisation and management", "7": "Institutional context",
    },
    "AlarmItem": {
        "1.1": "Medical history", "1.2": "Health status", "1.3": "Treatments",
        "1.4": "Personality, social or family factors", "1.5": "Conflictual relationships",
        "2.1": "Protocols", "2.2": "Test results", "2.3": "Decision aids",
        "2.4": "Task definition", "2.5": "Scheduling and planning",
        "3.1": "Qualifications and skills", "3.2": "Physical or psychological stress",
        "4.1": "Communication between professionals",
        "4.2": "Communication with the patient and family", "4.3": "Written information",
        "4.4": "Handovers and alerts", "4.5": "Allocation of tasks",
        "4.6": "Supervision and oversight", "4.7": "Requests for support",
        "5.1": "Administration", "5.2": "Premises", "5.3": "Movements and transfers",
        "5.4": "Supplies and equipment", "5.5": "Information technology", "5.6": "Staffing",
        "5.7": "Workload and hours", "5.8": "Delays and waiting times",
        "6.1": "Hierarchical structure", "6.2": "Human resources management",
        "6.3": "Continuing education", "6.4": "Subcontracting", "6.5": "Purchasing policy",
        "6.6": "Quality management", "6.7": "Financial resources",
        "7.1": "National health policy", "7.2": "Regional health policy",
        "7.3": "Reporting systems",
    },
    "PathwayStage": {
        "P01": "Antenatal follow-up", "P02": "Screening and referral",
        "P03": "Access to rights and social support", "P04": "Admission and emergencies",
        "P05": "Labour and birth", "P06": "Neonatal resuscitation", "P07": "Transfer",
        "P08": "Neonatal unit stay", "P09": "Discharge from the maternity unit",
        "P10": "Home follow-up and PMI",
    },
}


def add_english(apps, schema_editor):
    for model_name, labels in ENGLISH.items():
        model = apps.get_model("committees", model_name)
        for code, label in labels.items():
            model.objects.filter(code=code, label_en="").update(label_en=label)


def remove_english(apps, schema_editor):
    for model_name in ENGLISH:
        apps.get_model("committees", model_name).objects.update(label_en="")


class Migration(migrations.Migration):
    dependencies = [("committees", "0003_reference_label_en")]

    operations = [migrations.RunPython(add_english, remove_english)]
