terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
  backend "s3" {
    bucket         = "shop-terraform-state-eu"
    key            = "checkout/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { service = "checkout", tier = "1", owner = "team-checkout" }
  }
}

provider "aws" {
  alias  = "standby"
  region = "eu-central-1"
  default_tags {
    tags = { service = "checkout", tier = "1", owner = "team-checkout" }
  }
}
