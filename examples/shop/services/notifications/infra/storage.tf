# Customer contact preferences and the delivery log (who was sent what, when).

resource "aws_dynamodb_table" "preferences" {
  name                        = "notifications-preferences"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "customer_id"
  deletion_protection_enabled = true

  attribute {
    name = "customer_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.notifications.arn
  }
}

resource "aws_backup_vault" "notifications" {
  name        = "notifications"
  kms_key_arn = aws_kms_key.notifications.arn
}

resource "aws_backup_vault" "notifications_offsite" {
  provider    = aws.offsite
  name        = "notifications-offsite"
  kms_key_arn = aws_kms_key.notifications_offsite.arn
}

resource "aws_backup_vault_lock_configuration" "notifications_offsite" {
  provider            = aws.offsite
  backup_vault_name   = aws_backup_vault.notifications_offsite.name
  min_retention_days  = 30
  max_retention_days  = 90
  changeable_for_days = 3
}

resource "aws_backup_plan" "notifications" {
  name = "notifications-every-4h"

  rule {
    rule_name         = "every-4-hours"
    target_vault_name = aws_backup_vault.notifications.name
    schedule          = "cron(0 0/4 * * ? *)"

    lifecycle {
      delete_after = 30
    }

    copy_action {
      destination_vault_arn = aws_backup_vault.notifications_offsite.arn
      lifecycle {
        delete_after = 30
      }
    }
  }
}

resource "aws_backup_selection" "notifications" {
  name         = "notifications-data"
  plan_id      = aws_backup_plan.notifications.id
  iam_role_arn = "arn:aws:iam::123456789012:role/aws-backup-service"
  resources    = [aws_dynamodb_table.preferences.arn]
}
