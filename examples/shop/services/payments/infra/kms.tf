locals {
  # Key policy: administration by the platform-admin role only; use is
  # granted to the service roles through IAM (the account root delegation).
  kms_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountDelegation"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "KeyAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:role/platform-admin" }
        Action    = ["kms:Describe*", "kms:Enable*", "kms:Disable*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_key" "payments" {
  description             = "payments: ledger database, payment state and backups"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  multi_region            = true
  policy                  = local.kms_policy
}

resource "aws_kms_replica_key" "payments_secondary" {
  provider                = aws.secondary
  description             = "payments: replica key in eu-central-1"
  primary_key_arn         = aws_kms_key.payments.arn
  deletion_window_in_days = 30
  policy                  = local.kms_policy
}
